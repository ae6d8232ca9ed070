"""The board for operators and the public consultation pages: server-rendered HTML served by the HTTP API's app."""
