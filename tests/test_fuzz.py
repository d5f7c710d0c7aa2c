"""Random unicode and query syntax thrown at `Index.search` and the JSON API.

The property: never an unhandled error, never a 500, and every answer within a bound
(hypothesis' deadline): a guard against unbounded expansion, not a speed measurement.
"""

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import QueryError
from support import AS_OF

SYNTAX = ['"', "'", "’", "(", ")", "*", "?", "~", "^", ":", "-", "+", "/", "\\", "[", "]", "{",
          "}", " ", "OR", "OU", "AND", "ET", "NOT", "SAUF", "titre:", "employeur:", "commune:",
          "reference:", "date:", "body:", "é", "œ", "\x00", "\u202f", "ᵉʳ", "3134-25", "/SR"]
WORDS = ["educatrice", "social", "enfance", "houailou", "cesf", "nouméa", "les", "de", "l’",
         "travailleur", "socail", "a", "zz"]

queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=25).map("".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=25).map(" ".join),
    st.text(alphabet=st.sampled_from("ab*?~\"()-: "), max_size=40),
)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1500"))
FUZZ = settings(max_examples=EXAMPLES, deadline=dt.timedelta(seconds=2),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(query=queries, page=st.integers(-2, 120), per_page=st.integers(-1, 80),
       sort=st.sampled_from(["pertinence", "date", "cloture", "x"]))
def test_search_never_fails(seed_index, query, page, per_page, sort):
    try:
        result = seed_index.search(query, page=page, per_page=per_page, sort=sort, as_of=AS_OF)
    except QueryError as exc:
        assert str(exc)  # refused with a French message
        return
    assert result.total >= 0
    assert len(result.hits) <= result.per_page
    for hit in result.hits:
        assert "<script" not in hit.snippet


@pytest.fixture(scope="module")
def api_client(seed_index_dir):
    from searchweb import create_app

    app = create_app({"INDEX_DIR": str(seed_index_dir), "RATELIMIT_PER_MINUTE": 0,
                      "AS_OF": AS_OF.isoformat(), "TESTING": False})
    return app.test_client()


@FUZZ
@given(query=queries, page=st.one_of(st.integers(-2, 10**12).map(str), st.text(max_size=5)),
       extra=st.dictionaries(st.sampled_from(["employer", "commune", "status", "sort", "per_page",
                                              "posted", "x"]), st.text(max_size=20), max_size=3))
def test_json_api_never_500(api_client, query, page, extra):
    response = api_client.get("/api/search", query_string={"q": query, "page": page, **extra})
    assert response.status_code in (200, 400), response.data[:300]
    data = response.get_json()
    assert data is not None
    if response.status_code == 400:
        assert data["error"]
