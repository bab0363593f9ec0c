#!/usr/bin/env python3
"""Drives the dev Table service with Microsoft's own client, azure-data-tables, over http with
Shared Key (the development key of devstoreaccount1), and checks every answer.

Usage: tables.py <endpoint> [server page size]
  endpoint: http://127.0.0.1:<port>/devstoreaccount1 (or $TABLE_ENDPOINT)
  server page size: the page size the server was set to (default 1000); pages must not exceed it.

Prints one JSON summary {"ok": bool, "checks": [...]} and exits 1 on any mismatch.
"""
import json
import os
import sys
import uuid
from datetime import datetime, timezone

from azure.core import MatchConditions
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import EdmType, EntityProperty, TableServiceClient, UpdateMode

ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

checks = []


def check(name, ok, detail=None):
    entry = {"check": name, "ok": bool(ok)}
    if not ok and detail is not None:
        entry["detail"] = str(detail)
    checks.append(entry)
    return ok


def code_of(error):
    """The service's error code: the SDK's `error_code`, or (create_entity re-raises azure-core's
    undecoded error, whose error_code stays None for Table JSON errors) the body's odata.error.code."""
    if getattr(error, "error_code", None):
        return getattr(error.error_code, "value", str(error.error_code))
    try:
        return json.loads(error.response.text())["odata.error"]["code"]
    except Exception:  # pylint: disable=broad-except
        return None


def expect_error(name, error_type, code, action):
    try:
        action()
    except error_type as error:  # the typed error the SDK maps the status to
        return check(name, code_of(error) == code, f"code={code_of(error)}")
    except Exception as error:  # pylint: disable=broad-except
        return check(name, False, f"{type(error).__name__}: {error}")
    return check(name, False, "no error raised")


def key_of(entity):
    return (entity["PartitionKey"], entity["RowKey"])


def run(endpoint, server_page_size):
    service = TableServiceClient(endpoint=endpoint, credential=AzureNamedKeyCredential(ACCOUNT, DEV_KEY))
    name = "crosscheck" + uuid.uuid4().hex[:8]

    # Create table, then 409 TableAlreadyExists on the second create.
    table = service.create_table(name)
    check("create_table", any(t.name == name for t in service.list_tables()))
    expect_error("create_table twice -> 409 TableAlreadyExists", ResourceExistsError, "TableAlreadyExists",
                 lambda: service.create_table(name))
    found = list(service.query_tables("TableName eq @n", parameters={"n": name}))
    check("query_tables with a parameter", [t.name for t in found] == [name], [t.name for t in found])

    # Upsert (insert-or-merge), then read back with types.
    when = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
    guid = uuid.UUID("0f9a1c8e-0000-4000-8000-000000000001")
    entity = {"PartitionKey": "p", "RowKey": "r1", "name": "Ann", "count": 7, "ratio": 0.5, "ok": True,
              "big": EntityProperty(2**40, EdmType.INT64), "when": when, "id": guid, "blob": b"\x01\x02\x03"}
    result = table.upsert_entity(entity)
    check("upsert returns an etag", str(result.get("etag", "")).startswith('W/"datetime\''), result)
    got = table.get_entity("p", "r1")
    check("get_entity string", got["name"] == "Ann", got)
    check("get_entity Int32", got["count"] == 7 and isinstance(got["count"], int), repr(got["count"]))
    check("get_entity Double", got["ratio"] == 0.5, repr(got["ratio"]))
    check("get_entity Boolean", got["ok"] is True, repr(got["ok"]))
    big = got["big"]
    check("get_entity Int64", getattr(big, "value", big) == 2**40, repr(big))
    check("get_entity DateTime", got["when"] == when, repr(got["when"]))
    check("get_entity Guid", got["id"] == guid, repr(got["id"]))
    check("get_entity Binary", got["blob"] == b"\x01\x02\x03", repr(got["blob"]))
    etag = got.metadata["etag"]
    check("etag matches the upsert", etag == result.get("etag"), (etag, result.get("etag")))

    # Create with an existing key: 409 EntityAlreadyExists.
    expect_error("create_entity duplicate -> 409 EntityAlreadyExists", ResourceExistsError, "EntityAlreadyExists",
                 lambda: table.create_entity({"PartitionKey": "p", "RowKey": "r1"}))

    # Conditional update with the current etag succeeds; the now stale etag must fail with 412.
    updated = table.update_entity({"PartitionKey": "p", "RowKey": "r1", "name": "Bob"}, mode=UpdateMode.REPLACE,
                                  etag=etag, match_condition=MatchConditions.IfNotModified)
    check("update with the current etag", updated.get("etag") not in (None, etag), updated)
    expect_error("replace with a stale etag -> 412", ResourceModifiedError, "UpdateConditionNotSatisfied",
                 lambda: table.update_entity({"PartitionKey": "p", "RowKey": "r1", "name": "Eve"}, mode=UpdateMode.REPLACE,
                                             etag=etag, match_condition=MatchConditions.IfNotModified))
    expect_error("merge with a stale etag -> 412", ResourceModifiedError, "UpdateConditionNotSatisfied",
                 lambda: table.update_entity({"PartitionKey": "p", "RowKey": "r1", "name": "Eve"}, mode=UpdateMode.MERGE,
                                             etag=etag, match_condition=MatchConditions.IfNotModified))
    after = table.get_entity("p", "r1")
    check("replace dropped the other properties", after["name"] == "Bob" and "count" not in after, dict(after))

    # Paged query: every entity exactly once, in key order, no page above the page size asked for.
    expected = []
    for index in range(23):
        pk = f"q{index % 3}"
        rk = f"r{index:03d}"
        table.create_entity({"PartitionKey": pk, "RowKey": rk, "n": index, "tag": "O'Brien" if index == 4 else "x"})
        expected.append((pk, rk))
    expected.sort()
    for per_page in (5, 1000):
        pages = [list(page) for page in table.query_entities("PartitionKey ge @low", parameters={"low": "q"},
                                                              results_per_page=per_page).by_page()]
        seen = [key_of(e) for page in pages for e in page]
        limit = min(per_page, server_page_size)
        check(f"paged query results_per_page={per_page}: each entity once, in order", seen == expected,
              f"{len(seen)} seen, {len(set(seen))} distinct")
        check(f"paged query results_per_page={per_page}: pages of at most {limit}",
              all(len(page) <= limit for page in pages) and len(pages) >= -(-len(expected) // limit),
              [len(page) for page in pages])
    everything = [key_of(e) for e in table.list_entities(results_per_page=4)]
    check("list_entities follows continuations", sorted(everything) == sorted(expected + [("p", "r1")]), len(everything))

    # Filters with parameters (the SDK writes the literals, Int32 and escaped strings included).
    rows = [key_of(e) for e in table.query_entities("PartitionKey eq @pk and n ge @low and n lt @high",
                                                    parameters={"pk": "q1", "low": 4, "high": 14})]
    check("filter with parameters", rows == [("q1", "r004"), ("q1", "r007"), ("q1", "r010"), ("q1", "r013")], rows)
    quoted = [key_of(e) for e in table.query_entities("tag eq @tag", parameters={"tag": "O'Brien"})]
    check("filter with a quote in a string parameter", quoted == [("q1", "r004")], quoted)
    selected = list(table.query_entities("RowKey eq 'r005'", select=["n"]))
    check("select", len(selected) == 1 and dict(selected[0]) == {"n": 5}, [dict(e) for e in selected])
    expect_error("malformed filter -> 400 InvalidInput", Exception, "InvalidInput",
                 lambda: list(table.query_entities("n eq eq 5")))

    # Delete entity, then it is gone.
    table.delete_entity("q0", "r000")
    expect_error("get a deleted entity -> 404", ResourceNotFoundError, "ResourceNotFound",
                 lambda: table.get_entity("q0", "r000"))
    expect_error("delete with a stale etag -> 412", ResourceModifiedError, "UpdateConditionNotSatisfied",
                 lambda: table.delete_entity("p", "r1", etag=etag, match_condition=MatchConditions.IfNotModified))

    # Delete table.
    service.delete_table(name)
    check("delete_table", all(t.name != name for t in service.list_tables()))
    expect_error("insert into a deleted table -> 404 TableNotFound", ResourceNotFoundError, "TableNotFound",
                 lambda: table.create_entity({"PartitionKey": "p", "RowKey": "r"}))


def main():
    endpoint = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TABLE_ENDPOINT", "")
    server_page_size = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if not endpoint:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        run(endpoint, server_page_size)
    except Exception as error:  # pylint: disable=broad-except
        check("no unexpected error", False, f"{type(error).__name__}: {error}")
    ok = bool(checks) and all(c["ok"] for c in checks)
    print(json.dumps({"ok": ok, "checks": checks}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
