"""The ban zone as geometry: GeoJSON read and checked, distances in metres, vectorised over machines.

The zone of 通告〔2019〕5号 第一条 is a polygon the user supplies (the notice names roads, it gives no
coordinates). Coordinates are longitude/latitude in WGS84 or CGCS2000 (they differ by centimetres,
far below the width of a road). Distances are never measured in degrees: the polygon and the machines
are projected to the CGCS2000 3-degree Gauss-Krüger zone whose central meridian is nearest the
polygon (EPSG:4549, CM 120°E, for Wenzhou), where a metre on the ground is a metre on the map to
within 1/10 000 across a city.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from pyproj import Transformer

FloatArray = npt.NDArray[np.float64]

ACCEPTED = "Polygon、MultiPolygon、Feature、FeatureCollection"
# Where a CGCS2000 3-degree Gauss-Krüger zone exists (EPSG:4534 CM 75°E … EPSG:4554 CM 135°E): China.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
CGCS2000_GEOGRAPHIC = 4490
GK3_FIRST_EPSG, GK3_FIRST_CM, GK3_LAST_CM = 4534, 75, 135
EDGE_STEP_DEGREES = 0.0005  # about 50 m
HALF_WIDTH = "half_width_m"  # the GeoJSON property stating the boundary roads' half-width, metres


def read_geojson(raw: Any) -> dict[str, Any]:
    """A GeoJSON object given inline (a mapping) or as the path of a .geojson/.json file."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("应为 GeoJSON 对象，或 GeoJSON 文件的路径")
    path = Path(raw.strip())
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"无法读取 GeoJSON 文件 {path}：{exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} 不是有效的 JSON：{exc}") from None
    if not isinstance(data, Mapping):
        raise ValueError(f"{path} 不是 GeoJSON 对象")
    return dict(data)


def polygon_geometries(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Polygon/MultiPolygon geometries of a GeoJSON object; anything else is refused."""
    kind = data.get("type")
    if kind in ("Polygon", "MultiPolygon"):
        return [dict(data)]
    if kind == "Feature":
        geometry = data.get("geometry")
        if not isinstance(geometry, Mapping):
            raise ValueError("Feature 缺少 geometry")
        return polygon_geometries(geometry)
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise ValueError("FeatureCollection 没有 features")
        out: list[dict[str, Any]] = []
        for i, feature in enumerate(features):
            if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
                raise ValueError(f"features[{i}] 不是 Feature")
            try:
                out += polygon_geometries(feature)
            except ValueError as exc:
                raise ValueError(f"features[{i}]：{exc}") from None
        return out
    raise ValueError(f"GeoJSON 类型 {kind!r} 不是面（接受 {ACCEPTED}）")


def _check_position(position: Any, where: str) -> None:
    if not isinstance(position, list | tuple) or len(position) not in (2, 3):
        raise ValueError(f"{where} 应为 [经度, 纬度]")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in position):
        raise ValueError(f"{where} 的坐标应为数字")
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180:
        raise ValueError(f"{where} 经度 {lon} 超出 [-180, 180]")
    if not -90 <= lat <= 90:
        raise ValueError(f"{where} 纬度 {lat} 超出 [-90, 90]")


def _check_rings(rings: Any, where: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValueError(f"{where} 应为线性环的列表（外环在前）")
    for r, ring in enumerate(rings):
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValueError(f"{where}[{r}] 至少需要 4 个坐标（首尾相同）")
        for p, position in enumerate(ring):
            _check_position(position, f"{where}[{r}][{p}]")
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise ValueError(f"{where}[{r}] 未闭合：首尾坐标应相同")


def zone_geometry(raw: Any) -> Any:
    """Read, check and merge a zone given as GeoJSON; returns a shapely (Multi)Polygon in lon/lat."""
    parts = []
    for g, geometry in enumerate(polygon_geometries(read_geojson(raw))):
        coords = geometry.get("coordinates")
        where = f"面{g + 1}坐标"
        if geometry["type"] == "Polygon":
            _check_rings(coords, where)
        else:
            if not isinstance(coords, list) or not coords:
                raise ValueError(f"{where} 应为多边形的列表")
            for k, polygon in enumerate(coords):
                _check_rings(polygon, f"{where}[{k}]")
        shape = shapely.geometry.shape(geometry)
        if not shape.is_valid:
            raise ValueError(f"面{g + 1}不是有效的多边形：{shapely.is_valid_reason(shape)}")
        parts.append(shape)
    merged = shapely.union_all(parts) if len(parts) > 1 else parts[0]
    if merged.is_empty or merged.area == 0:
        raise ValueError("多边形面积为零")
    lon_min, lat_min, lon_max, lat_max = merged.bounds
    if lon_min < CHINA_LON[0] or lon_max > CHINA_LON[1] or lat_min < CHINA_LAT[0] or lat_max > CHINA_LAT[1]:
        raise ValueError(
            f"坐标范围 经度 {lon_min:g}–{lon_max:g}、纬度 {lat_min:g}–{lat_max:g} 不在中国境内；"
            "请确认坐标为 WGS84/CGCS2000 经纬度，且顺序为 [经度, 纬度]"
        )
    return merged


def _same(value: Any) -> Any:
    """A half-width as compared: 15, 15.0 and "15" are the same width."""
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return str(value)


def half_width_property(data: Mapping[str, Any]) -> Any:
    """The boundary roads' half-width a GeoJSON object states (properties.half_width_m), or None.

    One zone has one half-width. The parts (features) of a zone are unioned, so an edge two parts share
    is no boundary road, and a boundary road's width cannot be told from the part it came from: parts
    that state different half-widths, or some a half-width and others none, are refused.
    """
    properties = data.get("properties")
    own = properties.get(HALF_WIDTH) if isinstance(properties, Mapping) else None
    features = data.get("features") if data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        return own
    stated = [
        (f"features[{i}]", (f.get("properties") or {}).get(HALF_WIDTH))
        for i, f in enumerate(features)
        if isinstance(f, Mapping) and isinstance(f.get("properties") or {}, Mapping)
    ]
    if own is not None:
        stated.append(("properties", own))
    given = [(where, value) for where, value in stated if value is not None]
    if not given:
        return None
    if len({_same(v) for _, v in stated}) > 1:
        listed = "，".join(f"{where}：{'未给出' if v is None else v}" for where, v in stated)
        raise ValueError(
            f"各部分的边界道路半宽 {HALF_WIDTH} 不一致（{listed}）。一个禁止使用区只有一个边界道路半宽："
            "各部分合并为一个合围区域，相邻部分的共用边不是边界道路，无法按部分取不同半宽。"
            f"请在各部分写同一个 {HALF_WIDTH}（或都不写，另行给出）"
        )
    return given[0][1]


def normalised_geojson(raw: Any) -> str:
    """The zone as the GeoJSON text of one (Multi)Polygon: what the case stores and the rules read."""
    data = read_geojson(raw)
    half_width_property(
        data
    )  # parts with different half-widths are refused (the case's half_width_m governs)
    return str(shapely.to_geojson(zone_geometry(data)))


def gk3_epsg(lon: float) -> int:
    """The CGCS2000 3-degree Gauss-Krüger zone (EPSG code) whose central meridian is nearest ``lon``."""
    cm = min(max(3 * round(lon / 3), GK3_FIRST_CM), GK3_LAST_CM)
    return GK3_FIRST_EPSG + (cm - GK3_FIRST_CM) // 3


@cache
def _transformer(epsg: int) -> Transformer:
    # Imported here: pyproj costs 0.08–0.13 s to import, paid by every process that loads the rulebook
    # (a command, a batch worker), and only a zone's distances need it.
    from pyproj import Transformer

    return Transformer.from_crs(CGCS2000_GEOGRAPHIC, epsg, always_xy=True)


@cache
def _projected(zone_text: str) -> tuple[int, Any]:
    """The zone's projection and its polygon in metres (cached: a city's machines share one zone)."""
    polygon = shapely.from_geojson(zone_text)
    epsg = gk3_epsg(float(polygon.centroid.x))
    # GeoJSON edges are straight in longitude/latitude (RFC 7946 3.1.1): densify before projecting so the
    # projected edges follow them (a long edge would otherwise sag by up to a metre).
    polygon = shapely.segmentize(polygon, EDGE_STEP_DEGREES)
    transformer = _transformer(epsg)

    def to_metres(xy: FloatArray) -> FloatArray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    projected = shapely.transform(polygon, to_metres)
    shapely.prepare(projected)
    return epsg, projected


def locate(zone_text: str, lon: FloatArray, lat: FloatArray) -> tuple[npt.NDArray[np.bool_], FloatArray, int]:
    """For each point: strictly inside the polygon, and its distance in metres to the polygon's boundary.

    Returns (inside, distance_m, epsg of the projection used).
    """
    epsg, polygon = _projected(zone_text)
    x, y = _transformer(epsg).transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    inside = np.asarray(shapely.contains_xy(polygon, x, y), dtype=bool)
    distance = np.asarray(shapely.distance(polygon.boundary, shapely.points(x, y)), dtype=float)
    return inside, distance, epsg
