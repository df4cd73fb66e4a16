#!/usr/bin/env python3
"""Checks docs/openapi.yaml is OpenAPI 3.1 without 3.0 leftovers.

Usage: scripts/check_openapi.py [docs/openapi.yaml]

- `openapi` is 3.1.x;
- no `nullable` (3.1 writes `type: [T, "null"]` or `oneOf` with `{type: "null"}`);
- `exclusiveMinimum` / `exclusiveMaximum` are numbers, never booleans;
- no `example` inside a schema (3.1 schemas take `examples: [...]`);
- every `$ref` resolves inside the document;
- with openapi-spec-validator installed, the whole document validates against
  the OpenAPI 3.1 schema.

Which routes the document lists is checked by tests/unit/docs_openapi_coverage_test.cpp.
"""
import os
import sys

import yaml

# Keys whose values are schemas, or maps/lists of schemas (JSON Schema 2020-12
# and the OpenAPI places that hold one).
SCHEMA_KEYS = {"schema", "items", "not", "additionalProperties", "contains", "if", "then", "else",
               "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
SCHEMA_LIST_KEYS = {"allOf", "anyOf", "oneOf", "prefixItems"}
SCHEMA_MAP_KEYS = {"properties", "patternProperties", "$defs", "dependentSchemas"}


def walk_schema(node, where, problems):
    if not isinstance(node, dict):
        return
    if "example" in node:
        problems.append(f"{where}: example in a schema (use examples: [...])")
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        if key in node and isinstance(node[key], bool):
            problems.append(f"{where}: boolean {key} (3.1 takes the bound itself)")
    for key, value in node.items():
        if key in SCHEMA_KEYS:
            walk_schema(value, f"{where}/{key}", problems)
        elif key in SCHEMA_LIST_KEYS and isinstance(value, list):
            for i, sub in enumerate(value):
                walk_schema(sub, f"{where}/{key}/{i}", problems)
        elif key in SCHEMA_MAP_KEYS and isinstance(value, dict):
            for name, sub in value.items():
                walk_schema(sub, f"{where}/{key}/{name}", problems)


def walk(node, where, problems, refs):
    """Visits the whole document: collects $refs, and checks every schema it meets."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}/{key}"
            if key == "$ref":
                refs.append((here, value))
            elif key == "nullable":
                problems.append(f"{here}: nullable (use a type array or oneOf with null)")
            if key == "schema" or (where == "#/components" and key == "schemas"):
                targets = value.items() if key == "schemas" else [("", value)]
                for name, sub in targets:
                    walk_schema(sub, f"{here}/{name}" if name else here, problems)
            walk(value, here, problems, refs)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk(value, f"{where}/{i}", problems, refs)


def resolve(doc, ref):
    if not ref.startswith("#/"):
        return False
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "docs", "openapi.yaml")
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    problems = []
    if not str(doc.get("openapi", "")).startswith("3.1."):
        problems.append(f"openapi is {doc.get('openapi')!r}, not 3.1.x")
    refs = []
    walk(doc, "#", problems, refs)
    for where, ref in refs:
        if not resolve(doc, ref):
            problems.append(f"{where}: $ref {ref} does not resolve")
    try:
        from openapi_spec_validator import OpenAPIV31SpecValidator
    except ImportError:
        print("openapi-spec-validator not installed: schema validation skipped", file=sys.stderr)
    else:
        if problems:  # the validator stops with a traceback at a dangling $ref
            print("schema validation skipped until the problems above are fixed", file=sys.stderr)
        else:
            for error in OpenAPIV31SpecValidator(doc).iter_errors():
                problems.append(f"spec: {error.message}")
    for p in problems:
        print(p)
    print(f"{path}: {len(refs)} $refs, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
