"""PySide6 widgets and Qt item models over lodestone.core."""
