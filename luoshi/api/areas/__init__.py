"""The API's routers, one module per area, each with its schemas: the same querysets as the pages."""
