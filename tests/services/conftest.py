import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _require_postgresql(request):
    if request.node.get_closest_marker("services") and connection.vendor != "postgresql":
        pytest.fail("The services suite runs against PostgreSQL: set DATABASE_URL=postgres://...")
