"""Tests of the previz engine's parts that have a folder of their own."""
