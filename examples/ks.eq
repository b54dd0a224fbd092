# Kuramoto–Sivashinsky, periodic on [0, 100) with 1024 points: the linear
# part -dx(u,2) - dx(u,4) is diagonal in Fourier space (symbol k² - k⁴) and
# is kept apart from the nonlinear -u*dx(u) for exponential integrators.
model ks
field u on 0..100 periodic, N = 1024
state u = -cos(2*pi*x/100)*(1 + sin(-2*pi*x/100))
der(u) = -u*dx(u) - dx(u, 2) - dx(u, 4)
simulate t = 0..200, solver = etdrk4, dt = 0.025
