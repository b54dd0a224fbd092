# Van der Pol oscillator; stiff for large mu.
model vanderpol
param mu = 1000
state x = 2, y = 0
der(x) = y
der(y) = mu*((1 - x^2)*y) - x
simulate t = 0..3000, solver = bdf, rtol = 1e-6, atol = 1e-6
