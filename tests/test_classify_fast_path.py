"""The compiled predict path must give the same probabilities as the scikit-learn pipeline."""

from __future__ import annotations

import numpy as np

from xuncha.classify import features
from xuncha.classify.model import get_model

STATEMENTS = [
    "党组理论学习中心组学习流于形式，全年仅集中学习3次",
    "违规使用公务用车接送子女上下学",
    "村集体经济合同未经民主程序签订，收益去向不明",
    "上轮巡察反馈问题整改不到位，存在边改边犯现象",
    "医院药品耗材采购存在回扣风险",
    "三会一课制度落实不严格，组织生活会批评辛辣味不足",
    "",
]


def test_fast_proba_equals_pipeline():
    model = get_model()
    norm = [features.normalize(t) for t in STATEMENTS]
    assert model._compiled() is not None, "the built-in model should take the compiled path"
    expected = model.pipeline.predict_proba(norm)
    got = model._fast_proba(norm)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-9)
    assert np.allclose(got.sum(axis=1), 1.0)
