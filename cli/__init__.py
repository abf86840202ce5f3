"""Thin click entry points over expo_data and expo_train."""
