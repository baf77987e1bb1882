"""207 Multi-Status batch answers: the failed inputs get their error, the others succeed (reference B.2, B.9)."""

import pytest

from connections.providers.base import WriteRequest, WriteResult
from connections.providers.errors import MalformedResponse, NotFound, ValidationError
from connections.providers.hubspot.batch_answers import read_batch_answer
from connections.providers.hubspot.writes import isolate

MULTI_STATUS = {
    "status": "COMPLETE",
    "results": [{"id": "101", "properties": {"email": "a@x.com"}, "archived": False}],
    "numErrors": 2,
    "errors": [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": "Could not get some CONTACT objects, they may be deleted or not exist.",
            "context": {"ids": ["102"]},
            "errors": [],
            "links": {},
        },
        {
            "status": "error",
            "category": "VALIDATION_ERROR",
            "message": 'Property values were not valid: [{"isValid":false,"message":"Property \\"foo\\" does not '
            'exist","error":"PROPERTY_DOESNT_EXIST","name":"foo"}]',
            "context": {"propertyName": ["foo"]},
        },
    ],
    "startedAt": "2026-03-30T12:00:00Z",
    "completedAt": "2026-03-30T12:00:01Z",
}


def test_207_pins_errors_to_the_ids_they_name():
    parsed = read_batch_answer(MULTI_STATUS)
    assert [r["id"] for r in parsed.results] == ["101"]
    assert isinstance(parsed.errors_by_id["102"], NotFound)
    assert "foo" not in parsed.errors_by_id  # a property name is not an id


def test_an_error_naming_no_id_goes_to_the_inputs_no_result_accounts_for():
    parsed = read_batch_answer(MULTI_STATUS)
    error = parsed.error_for_missing()
    assert isinstance(error, ValidationError) and error.path == "foo"


def test_a_complete_answer_has_no_errors():
    parsed = read_batch_answer({"status": "COMPLETE", "results": [{"id": "1"}], "startedAt": "x", "completedAt": "y"})
    assert parsed.errors_by_id == {} and parsed.unpinned == []
    assert isinstance(parsed.error_for_missing(), MalformedResponse)


def test_an_archive_answer_without_a_body_has_nothing_to_read():
    parsed = read_batch_answer({})
    assert parsed.results == [] and parsed.errors_by_id == {}


def test_a_batch_refused_for_one_input_is_split_until_the_culprit_is_alone():
    sent = []

    def send(items):
        sent.append([i for i, _, _ in items])
        if any(request.key == "bad" for _, request, _ in items):
            raise ValidationError("refused")
        return {i: WriteResult(request.key, record_id=str(i)) for i, request, _ in items}

    keys = ["k0", "k1", "bad", "k3", "k4"]
    items = [(i, WriteRequest(key), {}) for i, key in enumerate(keys)]
    results = isolate(items, send, lambda item, error: WriteResult(item[1].key, error=error))
    assert [results[i].ok for i in range(5)] == [True, True, False, True, True]
    assert len(sent) <= 2 * 5  # halves, not one request per input from the start


def test_an_error_that_is_not_one_inputs_fault_is_not_split():
    def send(items):
        raise MalformedResponse("garbled")

    with pytest.raises(MalformedResponse):
        isolate([(0, WriteRequest("a"), {}), (1, WriteRequest("b"), {})], send, lambda item, error: None)


def test_an_error_entry_whose_status_is_the_word_error_is_typed_by_its_category_alone():
    error = read_batch_answer(MULTI_STATUS).errors_by_id["102"]
    assert error.status is None and "HTTP" not in error.message
