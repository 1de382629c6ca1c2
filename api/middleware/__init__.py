"""What wraps every request: the WSGI fast path, the response cache, security, traffic."""
