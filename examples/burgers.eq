# Viscous Burgers' equation on a periodic domain with spectral derivatives:
# the linear part nu*dx(u,2) is diagonal in Fourier space (symbol -nu*k²).
model burgers
param nu = 0.05
field u on 0..2*pi periodic, N = 256
state u = sin(x)
der(u) = nu*dx(u, 2) - u*dx(u)
simulate t = 0..5, solver = etdrk4, dt = 0.001
