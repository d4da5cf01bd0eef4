"""Reads for profiles. (Being built: see the profiles work in progress.)"""
