package dialogporten

// Pending is the number of submissions whose feedback is not written yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}
