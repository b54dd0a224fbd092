# Kuramoto–Sivashinsky, case A of the model-error workload: the model lacks
# the hyper-diffusion -dx(u, 4) of the truth u_t = -u u_x - u_xx - u_xxxx.
# The error to discover is g(u) = -1.0*dx(u, 4).
model ks_case_A
field u on 0..100 periodic, N = 1024
state u = -cos(2*pi*x/100)*(1 + sin(-2*pi*x/100))
der(u) = -u*dx(u) - dx(u, 2)
simulate t = 0..10, solver = etdrk4, dt = 0.001
