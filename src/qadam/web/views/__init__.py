"""Views of the web screens: parse the request, call a service or selector, render."""
