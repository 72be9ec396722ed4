"""PartiQL for the tables engine: DynamoDB's SELECT/INSERT/UPDATE/DELETE subset.

    from pyarc.tables.partiql import execute_statement, batch_execute_statement, execute_transaction
    # each takes (store, request), as every operation does, and returns the response body

parser.py (lark grammar in grammar.lark) -> nodes.py -> execute.py, which plans each
statement into the engine's own operations (Query/Scan/GetItem/PutItem/UpdateItem/...).
"""

from pyarc.tables.partiql.execute import (
    batch_execute_statement,
    execute_statement,
    execute_transaction,
)

__all__ = ["batch_execute_statement", "execute_statement", "execute_transaction"]
