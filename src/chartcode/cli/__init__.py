"""The command-line interface: parse arguments, call one API method, render the result."""
