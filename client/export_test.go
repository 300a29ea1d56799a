package client

// SetPageSize makes paging visible with few dialogs.
func SetPageSize(d *Dialogporten, n int) { d.pageSize = n }
