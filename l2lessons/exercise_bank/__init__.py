"""The course's exercises, one module per lesson (registered with l2lessons.exercises.register)."""
