"""Renderers: findings → text. A renderer never reads a filing and never computes a finding."""
