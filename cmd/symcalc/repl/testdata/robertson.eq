# Robertson's stiff chemical kinetics (Hairer & Wanner, Stiff problems II):
# rate constants spanning nine orders of magnitude.
model robertson
param k1 = 0.04, k2 = 3e7, k3 = 1e4
state y1 = 1, y2 = 0, y3 = 0
der(y1) = -k1*y1 + k3*y2*y3
der(y2) = k1*y1 - k3*y2*y3 - k2*y2^2
der(y3) = k2*y2^2
# The total is conserved: a check on any solver.
output total = y1 + y2 + y3
simulate t = 0..1e5, solver = rodas4, rtol = 1e-8, atol = 1e-10
