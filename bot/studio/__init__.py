"""The reviewers' studio: a local web page to read, play, check and edit the content.

A front end like the terminal coach (`bot/console.py`): it drives the same `Engine`, over
HTTP/JSON instead of a terminal. `content` is the one module that imports the engine's
loader, checks and search, so a change to those imports is made in one place.
"""
