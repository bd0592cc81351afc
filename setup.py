"""Build hook: lists the packages, so the top-level seeds/ and resources/ ship as mediacat._seeds/_resources."""

from setuptools import find_namespace_packages, setup


def data_packages(package: str, folder: str) -> list[str]:
    """A data folder and its sub-folders as packages (their files are listed in pyproject's package-data)."""
    return [package, *(f"{package}.{sub}" for sub in find_namespace_packages(folder, exclude=["*__pycache__"]))]


setup(
    packages=[
        *find_namespace_packages(include=["mediacat", "mediacat.*"], exclude=["*__pycache__"]),
        *data_packages("mediacat._seeds", "seeds"),
        *data_packages("mediacat._resources", "resources"),
    ]
)
