package web

import "strconv"

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func parseID(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
