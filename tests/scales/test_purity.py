"""qadam.scales is standard-library only, so it can be published and used anywhere on its own."""

from __future__ import annotations

from pathlib import Path

import qadam.scales

from ..purity import foreign_imports

PACKAGE = Path(qadam.scales.__file__).parent


def test_it_imports_only_the_standard_library():
    assert foreign_imports(PACKAGE.rglob("*.py"), allowed=("qadam.scales",)) == []
