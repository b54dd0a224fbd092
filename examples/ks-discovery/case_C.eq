# Kuramoto–Sivashinsky, case C of the model-error workload: a spurious
# dispersion -0.5*dx(u, 3). The error to discover is g(u) = +0.5*dx(u, 3).
model ks_case_C
field u on 0..100 periodic, N = 1024
state u = -cos(2*pi*x/100)*(1 + sin(-2*pi*x/100))
der(u) = -u*dx(u) - dx(u, 2) - 0.5*dx(u, 3) - dx(u, 4)
simulate t = 0..10, solver = etdrk4, dt = 0.001
