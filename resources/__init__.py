"""The app's data files, as the package `desktop_app.resources` (see pyproject.toml's package-dir).

Being a package is what lets importlib.resources find this folder the same way in an editable
install, an installed wheel and the PyInstaller bundle; read it through
desktop_app/core/app_resources.py.
"""
