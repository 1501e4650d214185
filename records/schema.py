"""What the served OpenAPI schema says beyond what drf-spectacular infers from the views.

- An optional query parameter sent empty (``?date_from=``, as an HTML form sends it) means
  "not filtered": the schema says so with ``allowEmptyValue``.
- A required text parameter (``/api/compare/``'s ``a`` and ``b``) cannot be empty, and no text
  parameter may hold a NUL character (Django's forms refuse it with a 400).
- A request body (the webhooks') is required: an empty POST is a 400.
"""


def schema_refined(result, generator, request, public):
    """drf-spectacular's ``POSTPROCESSING_HOOKS`` entry."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                schema = parameter.get("schema", {})
                free_text = schema.get("type") == "string" and not {"enum", "format"} & set(schema)
                if free_text:
                    schema.setdefault("pattern", "^[^\\x00]*$")
                if not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
                elif free_text:
                    schema.setdefault("minLength", 1)
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
    return result
