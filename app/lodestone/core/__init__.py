"""Pure-Python core: storage, domain rules and headless operations. Never imports Qt."""
