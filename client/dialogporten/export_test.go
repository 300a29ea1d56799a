package dialogporten

// SetPageSize makes paging visible with few dialogs.
func SetPageSize(d *Client, n int) { d.pageSize = n }
