# Lorenz attractor
model lorenz
param sigma = 10, rho = 28, beta = 8/3
state x = 1, y = 0, z = 0
der(x) = sigma*(y - x)
der(y) = x*(rho - z) - y
der(z) = x*y - beta*z
simulate t = 0..100, solver = tsit5, rtol = 1e-8, atol = 1e-10, saveat = 0.01
