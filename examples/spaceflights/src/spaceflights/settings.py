"""Project settings. There is no need to edit this file unless you want to change values
from the Kedro defaults."""
