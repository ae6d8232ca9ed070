"""The HTTP API's routes, one module per concern, each an APIRouter that `api.app.create_app` includes."""
