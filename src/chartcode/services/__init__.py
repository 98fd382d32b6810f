"""Services: the coding logic over the store. They return dataclasses and never print."""
