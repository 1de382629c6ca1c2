"""Readable HTML pages for journalists: views, the data they show, and charts; templates/ and
static/ sit beside them."""
