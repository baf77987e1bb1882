"""``/crm/v3/objects/{type}/batch/*`` (reference B.2, B.6)."""

from __future__ import annotations

B = "/crm/v3/objects/contacts/batch"


def _contacts(n, start=0):
    return [{"properties": {"email": f"c{i}@example.org", "firstname": f"C{i}"}} for i in range(start, start + n)]


def test_batch_create_is_201_complete_with_timestamps(api):
    response = api.post(f"{B}/create", {"inputs": _contacts(3)})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "COMPLETE" and "errors" not in body
    assert body["startedAt"] <= body["completedAt"]
    assert [r["properties"]["email"] for r in body["results"]] == [f"c{i}@example.org" for i in range(3)]


def test_more_than_100_inputs_is_400_for_every_batch_endpoint(api):
    assert api.post(f"{B}/create", {"inputs": _contacts(100)}).status_code == 201
    for action, inputs in (
        ("create", _contacts(101, 200)),
        ("read", [{"id": str(i)} for i in range(101)]),
        ("update", [{"id": str(i), "properties": {}} for i in range(101)]),
        ("archive", [{"id": str(i)} for i in range(101)]),
    ):
        response = api.post(f"{B}/{action}", {"inputs": inputs})
        assert response.status_code == 400, action
        assert response.json()["category"] == "VALIDATION_ERROR"
    assert len(api.get("/crm/v3/objects/contacts", limit=100).json()["results"]) == 100


def test_batch_create_with_one_existing_email_is_409_for_the_whole_batch(api):
    first = api.create_contact(email="c1@example.org")
    response = api.post(f"{B}/create", {"inputs": _contacts(3)})
    assert response.status_code == 409
    assert response.json()["message"] == f"Contact already exists. Existing ID: {first['id']}"
    assert len(api.get("/crm/v3/objects/contacts").json()["results"]) == 1  # nothing committed


def test_batch_create_with_the_same_email_twice_is_409(api):
    inputs = _contacts(2) + [{"properties": {"email": "C0@example.org"}}]
    assert api.post(f"{B}/create", {"inputs": inputs}).status_code == 409
    assert api.get("/crm/v3/objects/contacts").json()["results"] == []


def test_batch_create_with_a_bad_property_is_400_and_writes_nothing(api):
    inputs = _contacts(2) + [{"properties": {"nope": "x"}}]
    assert api.post(f"{B}/create", {"inputs": inputs}).status_code == 400
    assert api.get("/crm/v3/objects/contacts").json()["results"] == []


def test_batch_read_answers_207_with_the_missing_ids(api):
    created = api.post(f"{B}/create", {"inputs": _contacts(2)}).json()["results"]
    ids = [r["id"] for r in created]
    ok = api.post(f"{B}/read", {"inputs": [{"id": i} for i in ids], "properties": ["email"]})
    assert ok.status_code == 200
    assert [r["properties"] for r in ok.json()["results"]] == [{"email": "c0@example.org"}, {"email": "c1@example.org"}]
    partial = api.post(f"{B}/read", {"inputs": [{"id": ids[0]}, {"id": "424242"}], "properties": ["email"]})
    assert partial.status_code == 207
    body = partial.json()
    assert body["numErrors"] == 1 and len(body["results"]) == 1
    error = body["errors"][0]
    assert error["status"] == "error" and error["category"] == "OBJECT_NOT_FOUND"
    assert error["context"] == {"ids": ["424242"]}
    by_email = api.post(f"{B}/read", {"inputs": [{"id": "c1@example.org"}], "idProperty": "email", "properties": []})
    assert by_email.json()["results"][0]["id"] == ids[1]


def test_batch_update_writes_the_found_and_reports_the_missing_207(api):
    ids = [r["id"] for r in api.post(f"{B}/create", {"inputs": _contacts(2)}).json()["results"]]
    response = api.post(
        f"{B}/update",
        {"inputs": [{"id": ids[0], "properties": {"firstname": "X"}}, {"id": "999999", "properties": {}}]},
    )
    assert response.status_code == 207
    assert response.json()["errors"][0]["context"] == {"ids": ["999999"]}
    assert api.get(f"/crm/v3/objects/contacts/{ids[0]}").json()["properties"]["firstname"] == "X"
    all_ok = api.post(f"{B}/update", {"inputs": [{"id": ids[1], "properties": {"firstname": "Y"}}]})
    assert all_ok.status_code == 200 and all_ok.json()["results"][0]["properties"]["firstname"] == "Y"
    taken = api.post(f"{B}/update", {"inputs": [{"id": ids[1], "properties": {"email": "c0@example.org"}}]})
    assert taken.status_code == 400


def test_batch_archive_is_204_with_no_body(api):
    ids = [r["id"] for r in api.post(f"{B}/create", {"inputs": _contacts(3)}).json()["results"]]
    response = api.post(f"{B}/archive", {"inputs": [{"id": ids[0]}, {"id": ids[1]}]})
    assert response.status_code == 204 and response.content == b""
    assert [r["id"] for r in api.get("/crm/v3/objects/contacts").json()["results"]] == [ids[2]]
    assert len(api.get("/crm/v3/objects/contacts", archived="true").json()["results"]) == 2


def test_companies_batch_create_has_no_email_uniqueness(api):
    inputs = [{"properties": {"name": "Same"}}, {"properties": {"name": "Same"}}]
    response = api.post("/crm/v3/objects/companies/batch/create", {"inputs": inputs})
    assert response.status_code == 201 and len(response.json()["results"]) == 2
