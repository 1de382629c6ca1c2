"""The JSON API: one blueprint per resource, with argument loading, listing and schemas."""
