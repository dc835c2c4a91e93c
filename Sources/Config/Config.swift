// Config: keepalived.conf lexer, parser, typed model and diagnostics. No I/O beyond reading files.
