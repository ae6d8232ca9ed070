"""Found by a re-check of the API's nameless parameters ("refused naming the query (or form)"), on the pages.

The API's routes name a parameter with no name (`?=x`) as `query`. On the public comment form (a POST page) the same
parameter in the form's address is now named `query`, in English on the Vietnamese page, and said to be a field of
the form "a browser's add-on may have added", where a named one (`?foo=x`) on the same form is said to be the page's
address ("Địa chỉ trang: Trang này không có lựa chọn này."). `web.refusals.explain` takes the field for a body field
because `"query"` is not among the request's query parameters (the key there is ""). Before the fix it was named as
the page's address. A nameless field in the form's body is named `form`, also in English, to a citizen.

Reproduce against `legis dev`:
    curl -X POST 'http://127.0.0.1:8000/public/<SID>/<ROUND>?=x' -b <cookies> -d 'csrftoken=...&text=G&article='
    -> <strong>query</strong>: Biểu mẫu không có trường mang tên này (có thể do một tiện ích của trình duyệt thêm vào) ...
"""
from __future__ import annotations

from tests.test_board_forms import app_client, posted_round, token_of


async def test_a_nameless_parameter_in_the_public_forms_address_is_said_to_be_the_address(pool):
    sid = await posted_round(pool, "S55NQ")
    async with app_client(pool) as http:
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        named = await http.post(f"/public/{sid}/cong-khai?foo=x", data={"text": "Ý kiến", "article": "", "csrftoken": token})
        assert named.status_code == 422 and "<strong>Địa chỉ trang</strong>" in named.text  # as it works for a named one
        nameless = await http.post(f"/public/{sid}/cong-khai?=x", data={"text": "Ý kiến", "article": "", "csrftoken": token})
        assert nameless.status_code == 422 and "unknown_parameter" in nameless.text
        # The address, as for ?foo=x: not a field of the form, and not the English word "query" to a citizen.
        assert "<strong>query</strong>" not in nameless.text, nameless.text[-2000:]
        assert "Biểu mẫu không có trường mang tên này" not in nameless.text, nameless.text[-2000:]
        assert "<strong>Địa chỉ trang</strong>" in nameless.text, nameless.text[-2000:]


async def test_a_nameless_field_of_the_public_form_is_not_named_in_english_on_the_vietnamese_page(pool):
    sid = await posted_round(pool, "S55NF")
    async with app_client(pool) as http:
        http.cookies.set("legis_lang", "vi")
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        refused = await http.post(f"/public/{sid}/cong-khai", content=f"csrftoken={token}&text=G&article=&=x".encode(),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert refused.status_code == 422 and "unknown_parameter" in refused.text
        assert "<strong>form</strong>" not in refused.text, refused.text[-2000:]
