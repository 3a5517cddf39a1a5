"""Frontends turn one file into facts. They know nothing about rules."""
