"""温政办〔2019〕76号 annex: 温州市财政支持深化民营和小微企业金融服务综合改革十二条政策."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wzb_2019_76.case import Case

DOC = Document(
    id="wzb-2019-76",
    number="温政办〔2019〕76号",
    title="温州市财政支持深化民营和小微企业金融服务综合改革十二条政策",
    # 附则1: "本政策适用于2019年1月1日至2021年12月31日的奖补对象"
    applies_from=dt.date(2019, 1, 1),
    applies_to=dt.date(2021, 12, 31),
    folder=Path(__file__).parent,
    case_model=Case,
    references={
        "loans.borrower": "parties",
        "loans.lender": "parties",
        "guarantees.borrower": "parties",
        "guarantees.guarantor": "parties",
        "guarantees.loan": "loans",
        "insurance_policies.borrower": "parties",
        "insurance_policies.insurer": "parties",
        "securitisations.enterprise": "parties",
        "securitisations.issuer": "parties",
        "bond_issues.issuer": "parties",
        "bond_issues.lead_underwriters.institution": "parties",
        "loss_claims.claimant": "parties",
        "loss_claims.loan": "loans",
        "loss_claims.counterparty": "parties",
        "guarantor_months.guarantor": "parties",
        "bank_assessments.bank": "parties",
        "bank_leaders.bank": "parties",
        "deposit_assessments.bank": "parties",
        "prior_awards.beneficiary": "parties",
    },
    dated_in_year=(
        "guarantees.paid_on",
        "insurance_policies.paid_on",
        "securitisations.paid_on",
        "bond_issues.listing_date",
        "loss_claims.confirmed_on",
    ),
)
