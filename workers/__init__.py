"""Worker processes of legis and the local development stack that hosts them."""
