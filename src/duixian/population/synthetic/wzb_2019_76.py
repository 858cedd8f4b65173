"""The synthetic population of 温政办〔2019〕76号: enterprises, banks, guarantors, an insurer; loans,
guarantees, insurance policies, loss claims and guarantors' month-end figures."""

from __future__ import annotations

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from duixian.population.synthetic._common import (
    DIVISIONS,
    REGISTERED_ENTERPRISES,
    Generated,
    choice,
    dates,
    days_in_year,
    money,
    numbered_ids,
    percent,
    usccs,
)

# Figures the gazette gives (温州市公报 2019年第12期), each with its words; the generator uses them
# only as the ratios stated in CALIBRATION_76.
LOAN_BALANCE_YI = 11529.55  # 温州市2019年12月份国民经济主要统计指标：“金融机构人民币贷款余额 亿元 … 11529.55”
IP_PLEDGE_TARGET_YI = 50  # 76号实施方案：“知识产权质押贷款余额达50亿元以上”
FARMER_CUSTODY_TARGET_YI = 200  # “农民资产授托代管融资余额达200亿元以上”
GUARANTEE_TARGET_YI = 120  # “小微企业融资担保在保余额达120亿元以上”
FIRST_LOANS_PER_YEAR = 3000  # “首贷户数每年新增3000户以上”
GENERAL_LOAN_RATE = 6  # “全市一般贷款加权平均利率控制在6%左右”

CALIBRATION_76 = f"""\
合成数据（SYNTHETIC）：不是真实企业。由 duixian population generate 按种子生成。
取自公报的数字（温州市人民政府公报2019年第12期）：
- 2019年12月金融机构人民币贷款余额 {LOAN_BALANCE_YI} 亿元（温州市统计局《主要统计指标》）。
- 76号实施方案目标：知识产权质押贷款余额 {IP_PLEDGE_TARGET_YI} 亿元以上；农民资产授托代管融资余额
  {FARMER_CUSTODY_TARGET_YI} 亿元以上；小微企业融资担保在保余额 {GUARANTEE_TARGET_YI} 亿元以上；首贷户数每年新增
  {FIRST_LOANS_PER_YEAR} 户以上；一般贷款加权平均利率 {GENERAL_LOAN_RATE}% 左右；政府性融资担保平均担保费率降至1%以下。
由此得到的比例（目标额 ÷ 2019年末贷款余额，只是数量级）：知识产权质押贷款占贷款笔数
{IP_PLEDGE_TARGET_YI / LOAN_BALANCE_YI:.4%}，农民资产授托代管贷款 {FARMER_CUSTODY_TARGET_YI / LOAN_BALANCE_YI:.4%}，
有担保的贷款约 {GUARANTEE_TARGET_YI / LOAN_BALANCE_YI:.4%}（仅小微企业的贷款）；首贷企业比例
{FIRST_LOANS_PER_YEAR} ÷ {REGISTERED_ENTERPRISES} 户在册企业（中国网·温州 2020-07-21“在册企业数达30.7万户”）；
贷款年利率以6%为中心（标准差0.8个百分点，截在3.5%–12%）。
生成器自己的假设（无官方依据）：各县（市、区）企业数均等（未找到按县区的公开市场主体数）；每户贷款笔数
泊松分布（均值1.2）；本金对数正态（中位数150万元）；所有制、规模、亩均评价、资质、事故、担保费率、
理赔、担保机构月度在保户数和余额的分布；银行、担保机构、保险机构数按企业数缩放。
未生成：银行考核（c2）、科技金融资产证券化（c5）、债券（c6）、财政性存款（c9）、以前年度奖励（g3 c–e）。"""


def generate_76(entities: int, seed: int, year: int) -> Generated:
    """温政办〔2019〕76号: enterprises, banks, guarantors, an insurer; loans, guarantees, claims."""
    rng = np.random.default_rng(seed)
    n = entities
    width = max(6, len(str(n)))
    district_names = list(DIVISIONS)

    # Institutions (counts scale with the population; at least a few of each).
    n_banks, n_guarantors = int(np.clip(n // 2000, 3, 60)), int(np.clip(n // 5000, 2, 20))
    bank_ids, guarantor_ids = numbered_ids("B", n_banks, 4), numbered_ids("G", n_guarantors, 4)
    outside_bank = np.asarray(["B-OUT"], dtype=object)
    inst_ids = np.concatenate([bank_ids, outside_bank, guarantor_ids, np.asarray(["I0001"], dtype=object)])
    inst_names = np.concatenate(
        [
            np.char.mod("合成银行%04d", np.arange(1, n_banks + 1)).astype(object),
            np.asarray(["合成银行（市外）"], dtype=object),
            np.char.mod("合成融资担保%04d", np.arange(1, n_guarantors + 1)).astype(object),
            np.asarray(["合成保险0001"], dtype=object),
        ]
    )
    inst_kind = np.asarray(
        ["bank"] * (n_banks + 1) + ["guarantor"] * n_guarantors + ["insurer"], dtype=object
    )
    inst_district = choice(rng, district_names, [1.0] * len(district_names), len(inst_ids))
    inst_district[n_banks] = "市外"
    government = np.zeros(len(inst_ids), dtype=bool)
    government[n_banks + 1 : n_banks + 1 + n_guarantors : 2] = True  # every other guarantor is governmental
    inst_capital = np.where(
        inst_kind == "guarantor", rng.integers(100, 501, size=len(inst_ids)) * 1_000_000 * 100, 0
    )
    inst_uscc = usccs(rng, np.where(inst_district == "市外", "鹿城区", inst_district), "1")

    # Enterprises.
    ent_ids = numbered_ids("E", n, width)
    ent_names = np.char.mod(f"合成企业%0{width}d", np.arange(1, n + 1)).astype(object)
    districts = choice(rng, district_names, [1.0] * len(district_names), n)
    size = choice(rng, ["micro", "small", "medium", "large"], [0.72, 0.20, 0.07, 0.01], n)
    ownership = choice(rng, ["private", "state", "hmt", "foreign"], [0.95, 0.03, 0.01, 0.01], n)
    legal_form = choice(rng, ["company", "individual_business", "small_micro_owner"], [0.9, 0.07, 0.03], n)
    mujun = choice(rng, ["", "A", "B", "C", "D"], [0.6, 0.08, 0.2, 0.09, 0.03], n)
    accident = rng.random(n) < 0.002
    incident = rng.random(n) < 0.001
    all_ids = np.concatenate([inst_ids, ent_ids])
    m = len(inst_ids)
    parties = pa.table(
        {
            "id": pa.array(all_ids, pa.string()),
            "name": pa.array(np.concatenate([inst_names, ent_names]), pa.string()),
            "uscc": pa.array(np.concatenate([inst_uscc, usccs(rng, districts, "1")]), pa.string()),
            "kind": pa.array(
                np.concatenate([inst_kind, np.full(n, "enterprise", dtype=object)]), pa.string()
            ),
            "district": pa.array(np.concatenate([inst_district, districts]), pa.string()),
            "government_guarantor": pa.array(np.concatenate([government, np.zeros(n, dtype=bool)])),
            "ownership": pa.array(
                np.concatenate([np.full(m, "state", dtype=object), ownership]), pa.string()
            ),
            "legal_form": pa.array(
                np.concatenate([np.full(m, "company", dtype=object), legal_form]), pa.string()
            ),
            "size_class": pa.array(np.concatenate([np.full(m, "large", dtype=object), size]), pa.string()),
            "registered_capital": money(np.concatenate([inst_capital, np.zeros(n, dtype=np.int64)])),
            "real_estate": pa.array(np.concatenate([np.zeros(m, dtype=bool), rng.random(n) < 0.02])),
            "mujun_class": pa.array(
                np.concatenate(
                    [
                        np.full(m, None, dtype=object),
                        np.where(mujun == "", np.asarray(None, dtype=object), mujun),
                    ]
                ),
                pa.string(),
            ),
            "major_accident_years": pa.array(
                [[]] * m + [[year] if a else [] for a in accident], pa.list_(pa.int64())
            ),
            "mass_incident_years": pa.array(
                [[]] * m + [[year] if a else [] for a in incident], pa.list_(pa.int64())
            ),
        }
    )

    # Qualifications (each kind independently; valid over the year).
    q_parent, q_kind = [], []
    for kind, share in (
        ("national_high_tech", 0.03),
        ("provincial_tech_sme", 0.05),
        ("high_growth", 0.02),
        ("leading", 0.005),
        ("small_micro_star_city", 0.01),
        ("small_micro_star_provincial", 0.003),
    ):
        holders = ent_ids[rng.random(n) < share]
        q_parent.append(holders)
        q_kind.append(np.full(len(holders), kind, dtype=object))
    qp = np.concatenate(q_parent)
    qualifications = pa.table(
        {
            "kind": pa.array(np.concatenate(q_kind), pa.string()),
            "valid_from": dates(np.full(len(qp), np.datetime64(f"{year - 1}-01-01"))),
            "valid_to": dates(np.full(len(qp), np.datetime64(f"{year + 1}-12-31"))),
            "parent": pa.array(qp, pa.string()),
        }
    )

    # Loans.
    per_enterprise = rng.poisson(1.2, size=n)
    borrower_rows = np.repeat(np.arange(n), per_enterprise)
    k = len(borrower_rows)
    principal = (np.round(rng.lognormal(np.log(1_500_000), 1.0, size=k) / 1000) * 1000).astype(np.int64) * 100
    principal = np.maximum(principal, 10_000 * 100)
    start = np.datetime64(f"{year - 1}-01-01") + rng.integers(0, 700, size=k).astype("timedelta64[D]")
    term_years = rng.choice([1, 2, 3], size=k, p=[0.6, 0.25, 0.15])
    end = start + (term_years * 365).astype("timedelta64[D]")
    first_day = np.maximum(start, np.datetime64(f"{year}-01-01"))
    last_day = np.minimum(end, np.datetime64(f"{year + 1}-01-01"))
    days = np.maximum((last_day - first_day).astype(np.int64), 0)
    rate_bp = np.clip(np.round(rng.normal(GENERAL_LOAN_RATE * 100, 80, size=k)), 350, 1200).astype(np.int64)
    interest = principal * rate_bp * days // (10_000 * 365)  # fen, floored: a synthetic figure
    lender = np.where(rng.random(k) < 0.05, "B-OUT", bank_ids[rng.integers(0, n_banks, size=k)]).astype(
        object
    )
    ip_pledge = rng.random(k) < IP_PLEDGE_TARGET_YI / LOAN_BALANCE_YI
    loan_ids = numbered_ids("L", k, max(7, len(str(k))))
    loans = pa.table(
        {
            "id": pa.array(loan_ids, pa.string()),
            "borrower": pa.array(ent_ids[borrower_rows], pa.string()),
            "lender": pa.array(lender, pa.string()),
            "principal": money(principal),
            "start_date": dates(start),
            "end_date": dates(end),
            "interest_paid": money(interest),
            "ip_pledge": pa.array(ip_pledge),
            "valuation_fee": money(np.where(ip_pledge, principal * 3 // 1000, 0)),
            "first_loan": pa.array(rng.random(k) < FIRST_LOANS_PER_YEAR / REGISTERED_ENTERPRISES),
            "cdm_fund": pa.array(rng.random(k) < 0.001),
            "tech_renovation": pa.array(rng.random(k) < 0.02),
            "farmer_asset_custody": pa.array(rng.random(k) < FARMER_CUSTODY_TARGET_YI / LOAN_BALANCE_YI),
        }
    )

    # Guarantees: loans of small/micro borrowers, ≈ the gazette's guarantee-to-balance ratio.
    small_micro = np.isin(size[borrower_rows], ["micro", "small"])
    guaranteed = np.flatnonzero(small_micro & (rng.random(k) < GUARANTEE_TARGET_YI / LOAN_BALANCE_YI / 0.92))
    g = len(guaranteed)
    guarantor_rows = rng.integers(0, n_guarantors, size=g)
    gov = government[n_banks + 1 + guarantor_rows]
    fee_hundredths = np.where(
        gov, rng.choice([80, 100, 120, 150], size=g), rng.choice([150, 200, 250], size=g)
    ).astype(np.int64)
    guarantees = pa.table(
        {
            "id": pa.array(numbered_ids("GT", g, 7), pa.string()),
            "borrower": pa.array(ent_ids[borrower_rows[guaranteed]], pa.string()),
            "guarantor": pa.array(guarantor_ids[guarantor_rows], pa.string()),
            "loan": pa.array(loan_ids[guaranteed], pa.string()),
            "fee_rate": percent(fee_hundredths),
            "fee_paid": money(principal[guaranteed] * fee_hundredths // 10_000),
            "paid_on": dates(days_in_year(rng, year, g)),
            "first_guarantee": pa.array(rng.random(g) < 0.1),
            "cdm_fund": pa.array(
                np.asarray(loans.column("cdm_fund").to_numpy(zero_copy_only=False))[guaranteed]
            ),
        }
    )

    # Small-loan guarantee insurance (c8d): a few small/micro enterprises.
    insured = np.flatnonzero(np.isin(size, ["micro", "small"]) & (rng.random(n) < 0.002))
    s = len(insured)
    premium_hundredths = rng.choice([100, 150, 200], size=s).astype(np.int64)
    insurance = pa.table(
        {
            "id": pa.array(numbered_ids("IP", s, 7), pa.string()),
            "borrower": pa.array(ent_ids[insured], pa.string()),
            "insurer": pa.array(np.full(s, "I0001", dtype=object), pa.string()),
            "premium_rate": percent(premium_hundredths),
            "premium_paid": money(500_000 * 100 * premium_hundredths // 10_000),
            "paid_on": dates(days_in_year(rng, year, s)),
            "first_time": pa.array(rng.random(s) < 0.3),
        }
    )

    # Loss claims: a few defaults on guarantees, IP-pledge and farmer-custody loans.
    defaulted_g = guaranteed[rng.random(g) < 0.02]
    ip_rows = np.flatnonzero(ip_pledge & (rng.random(k) < 0.05))
    custody = np.asarray(loans.column("farmer_asset_custody").to_numpy(zero_copy_only=False), dtype=bool)
    custody_rows = np.flatnonzero(custody & (rng.random(k) < 0.02))
    claim_loans = np.concatenate([defaulted_g, ip_rows, custody_rows])
    c = len(claim_loans)
    g_claimants = guarantor_ids[guarantor_rows[np.searchsorted(guaranteed, defaulted_g)]]
    claims = pa.table(
        {
            "id": pa.array(numbered_ids("K", c, 7), pa.string()),
            "claimant": pa.array(
                np.concatenate([g_claimants, lender[ip_rows], lender[custody_rows]]), pa.string()
            ),
            "kind": pa.array(
                np.asarray(
                    ["guarantee"] * len(defaulted_g)
                    + ["ip_pledge_loan"] * len(ip_rows)
                    + ["farmer_asset_custody"] * len(custody_rows),
                    dtype=object,
                ),
                pa.string(),
            ),
            "loan": pa.array(loan_ids[claim_loans], pa.string()),
            "counterparty": pa.array(ent_ids[borrower_rows[claim_loans]], pa.string()),
            "principal_loss": money(principal[claim_loans] // 2),
            "confirmed_on": dates(days_in_year(rng, year, c)),
            "court_final_ruling": pa.array(rng.random(c) < 0.5),
            "small_micro_or_agri": pa.array(
                np.concatenate([np.ones(len(defaulted_g), bool), np.zeros(c - len(defaulted_g), bool)])
            ),
            "first_loan": pa.array(np.zeros(c, dtype=bool)),
        }
    )

    # Guarantors' month-end figures for the year before and the year concerned (c3a, c3b, c11).
    months = [f"{y}-{mo:02d}" for y in (year - 1, year) for mo in range(1, 13)]
    prior_clients = rng.integers(200, 1500, size=n_guarantors)
    growth = rng.uniform(0.9, 1.6, size=n_guarantors)
    rows_g, rows_m, clients, balance = [], [], [], []
    for i in range(n_guarantors):
        for j, month in enumerate(months):
            level = prior_clients[i] * (growth[i] if j >= 12 else 1.0) * rng.uniform(0.95, 1.05)
            rows_g.append(guarantor_ids[i])
            rows_m.append(month)
            clients.append(int(level))
            balance.append(int(level) * 800_000 * 100)
    balance_fen = np.asarray(balance, dtype=np.int64)
    guarantor_months = pa.table(
        {
            "guarantor": pa.array(rows_g, pa.string()),
            "month": pa.array(rows_m, pa.string()),
            "clients": pa.array(clients, pa.int64()),
            "balance": money(balance_fen),
            "small_micro_clients": pa.array(clients, pa.int64()),
            "small_micro_balance": money(balance_fen * 8 // 10),
            "private_growth_balance": money(balance_fen // 20),
        }
    )
    tables = {
        "parties": parties,
        "parties.qualifications": qualifications,
        "loans": loans,
        "guarantees": guarantees,
        "insurance_policies": insurance,
        "loss_claims": claims,
        "guarantor_months": guarantor_months,
    }
    return Generated(tables, CALIBRATION_76)
