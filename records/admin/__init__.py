"""Admin pieces for records AI Rudder pushes; a domain admin subclasses ``record.RecordAdmin``."""
