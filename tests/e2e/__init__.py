"""Browser tests (a package, so its conftest and the suite's own keep their names apart)."""
