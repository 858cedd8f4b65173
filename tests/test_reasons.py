"""pydantic's errors, as our input models produce them, in Chinese: the value, the bound, the choices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from duixian.engine.reasons import reason_of


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)] = Decimal(0)
    rate: Annotated[Decimal, Field(gt=0, lt=100)] = Decimal(1)
    size: Literal["micro", "small"] = "micro"
    on: dt.date = dt.date(2020, 1, 1)
    count: int = 0
    flag: bool = False
    code: Annotated[str, Field(pattern=r"^\d+$")] = "1"
    name: Annotated[str, Field(min_length=1, max_length=3)] = "a"
    years: Annotated[list[int], Field(max_length=2)] = []
    actor: str = "x"

    @field_validator("actor")
    @classmethod
    def _actor(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("操作人不能为空")
        return value


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"amount": "-5"}, "应不小于 0，此处为 '-5'"),
        ({"amount": Decimal("1.001")}, "1.001 的小数超过 2 位"),
        ({"amount": "abc"}, "'abc' 不是数字"),
        ({"rate": 100}, "应小于 100，此处为 100"),
        ({"rate": 0}, "应大于 0，此处为 0"),
        ({"size": "huge"}, "'huge' 不是可选项（可选：'micro'、'small'）"),
        ({"on": "2020-02-30"}, "'2020-02-30' 不是有效日期（该月没有这一天；格式 YYYY-MM-DD"),
        ({"on": "2020-01-01T10:00:00"}, "带有时刻：应为日期"),
        ({"count": "x"}, "'x' 不是整数"),
        ({"count": 1.5}, "1.5 不是整数（有小数部分）"),
        ({"flag": "maybe"}, "'maybe' 不是是非值（应为 true 或 false）"),
        ({"code": "a1"}, r"'a1' 不符合格式 ^\d+$"),
        ({"name": ""}, "不能为空"),
        ({"name": "abcd"}, "过长：至多 3 个字符，此处 4 个"),
        ({"years": [1, 2, 3]}, "过多：至多 2 项，此处 3 项"),
        ({"years": "x"}, "应为列表，此处为 'x'"),
        ({"colour": "red"}, "没有这个字段"),
        ({"actor": " "}, "操作人不能为空"),
    ],
)
def test_each_kind_is_said_in_chinese(data: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate(data)
    (error,) = caught.value.errors()
    assert words in reason_of(error), reason_of(error)


def test_an_unlisted_kind_keeps_pydantics_words() -> None:
    assert reason_of({"type": "something_new", "msg": "Input is odd"}) == "输入无效（Input is odd）"
