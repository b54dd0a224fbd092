# Kuramoto–Sivashinsky, case B of the model-error workload: half the
# advection and no anti-diffusion. The error to discover is
# g(u) = -0.5*u*dx(u) - 1.0*dx(u, 2).
model ks_case_B
field u on 0..100 periodic, N = 1024
state u = -cos(2*pi*x/100)*(1 + sin(-2*pi*x/100))
der(u) = -0.5*u*dx(u) - dx(u, 4)
simulate t = 0..10, solver = etdrk4, dt = 0.001
