"""Deploy: change sets, protection of stateful resources, events, waiting, outputs.

The same code serves real AWS and the local emulator; it returns data, never prints.
"""
