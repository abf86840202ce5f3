# Package marker: the shipped queries install as `expo_data.sql` (see pyproject.toml).
