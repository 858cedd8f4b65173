"""What a case of 通告〔2019〕5号 describes: ban zones (user-supplied polygons) and machines in use.

    zones:
      - id: Z                      # referred to by machines[].ban_zone
        name: 示例区域（示例，非官方边界）
        geojson: zone.geojson      # a path, or the GeoJSON object inline (Polygon, MultiPolygon,
                                   # Feature, FeatureCollection; lon/lat in WGS84/CGCS2000)
        half_width_m: 15           # half-width of the boundary roads, metres (not in the notice: the user's);
                                   # it governs: a properties.half_width_m in the GeoJSON is not read, but
                                   # parts (features) stating different ones are refused (one zone, one width)
    machines:
      - {id: M1, type: excavator, rated_power_kw: 75, absorption_m1: 0.62, ringelmann: 1,
         lon: 120.66, lat: 27.995, used_on: 2020-03-01, ban_zone: Z}

Every list becomes a table of the same name (see ``duixian.engine.case``); the zone's GeoJSON is
checked and stored as the GeoJSON text of one (Multi)Polygon, which the rules read vectorised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from duixian.engine.case import CaseBase, Strict, Uscc
from duixian.rulebook.wztg_2019_5.geometry import normalised_geojson

# 第二条 “包括但不限于”: the kinds the notice names, and an open “other” for the rest.
MACHINE_TYPES: dict[str, str] = {
    "loader": "装载机",
    "excavator": "挖掘机",
    "bulldozer": "推土机",
    "road_roller": "压路机",
    "asphalt_paver": "沥青摊铺机",
    "forklift": "叉车",
    "off_road_truck": "非公路用卡车",
    "other_construction": "其他工程机械",
    "agricultural": "农业机械",
    "forestry": "林业机械",
    "material_handling": "材料装卸机械",
    "industrial_drilling": "工业钻探设备",
    "snow_plough": "雪犁设备",
    "airport_ground": "机场地勤设备",
    "air_compressor": "空气压缩机",
    "generator_set": "发电机组",
    "fishery": "渔业机械",
    "water_pump": "水泵",
    "other": "其他非道路柴油移动机械",
}
MachineTypeCode = Literal[
    "loader", "excavator", "bulldozer", "road_roller", "asphalt_paver", "forklift", "off_road_truck",
    "other_construction", "agricultural", "forestry", "material_handling", "industrial_drilling",
    "snow_plough", "airport_ground", "air_compressor", "generator_set", "fishery", "water_pump", "other",
]  # fmt: skip
_BY_LABEL = {label: code for code, label in MACHINE_TYPES.items()}


def _type_code(value: Any) -> Any:
    """Accept the Chinese name as well as the code (挖掘机 → excavator); name both in the error."""
    if not isinstance(value, str):
        return value
    code = _BY_LABEL.get(value.strip(), value.strip())
    if code not in MACHINE_TYPES:
        known = "、".join(f"{c}（{label}）" for c, label in MACHINE_TYPES.items())
        raise ValueError(f"未知机械类型 {value!r}；可用：{known}")
    return code


def _zone_text(value: Any) -> str:
    return normalised_geojson(value)


MachineType = Annotated[MachineTypeCode, BeforeValidator(_type_code)]
# A zone polygon: inline GeoJSON or a file path in; the GeoJSON text of one (Multi)Polygon stored.
ZoneGeoJson = Annotated[str, BeforeValidator(_zone_text)]


class Zone(Strict):
    """A ban zone (第一条) as the user draws it; duixian ships no official coordinates."""

    id: str = Field(min_length=1)
    name: str = ""
    geojson: ZoneGeoJson
    # 不含边界道路: half-width of the boundary roads, measured from the polygon's line. 0 means the polygon
    # already traces the roads' inner edges (reading wztg-2019-5.zone.boundary_roads).
    half_width_m: Decimal = Field(ge=0, le=1000, decimal_places=2)


class Machine(Strict):
    """One use of one non-road mobile machine: what it is, its smoke test, where and when it was used."""

    id: str = Field(min_length=1)
    type: MachineType
    rated_power_kw: Decimal = Field(gt=0, le=100000, decimal_places=3)  # 额定净功率 Pmax
    absorption_m1: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=3)  # 光吸收系数, m⁻¹
    ringelmann: int | None = Field(default=None, ge=0, le=5)  # 林格曼黑度级数
    lon: float = Field(ge=-180, le=180)  # WGS84/CGCS2000 longitude of the place of use
    lat: float = Field(ge=-90, le=90)
    used_on: dt.date  # 使用日期
    ban_zone: str = Field(min_length=1)  # the zone (zones[].id) checked
    owner_uscc: Uscc | None = None  # 所有人统一社会信用代码
    registration_no: str = ""  # 非道路移动机械登记编码

    @model_validator(mode="after")
    def _tested(self) -> Machine:
        if self.absorption_m1 is None and self.ringelmann is None:
            raise ValueError(
                "排气烟度检测结果缺失：至少给出 absorption_m1（光吸收系数）或 ringelmann（林格曼黑度）"
            )
        return self


class Case(CaseBase):
    zones: list[Zone] = []
    machines: list[Machine] = []

    @model_validator(mode="before")
    @classmethod
    def _default_year(cls, data: Any) -> Any:
        """No year given: the year of the latest use, at least 2020 (the notice takes effect 2020-03-01;
        an earlier use is judged, and is not prohibited)."""
        if not isinstance(data, Mapping) or "year" in data:
            return data
        years = [2020]
        for machine in data.get("machines") or []:
            used = machine.get("used_on") if isinstance(machine, Mapping) else None
            if isinstance(used, dt.date):
                years.append(used.year)
            elif isinstance(used, str) and len(used) >= 4 and used[:4].isdigit():
                years.append(int(used[:4]))
        return {**data, "year": max(years)}
