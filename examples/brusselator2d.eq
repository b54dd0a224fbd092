# 2-D Brusselator reaction–diffusion on a periodic N×N grid
# (the reaction–diffusion benchmark of DifferentialEquations.jl):
# 2·N² = 2,048 scalar equations at N = 32.
model brusselator2d
const N = 32
grid i in 1..N periodic, j in 1..N periodic
let dx = 1/(N-1), xs[i] = (i-1)*dx, ys[j] = (j-1)*dx
param alpha = 10
state u[i,j] = 22*(ys[j]*(1-ys[j]))^(3/2), v[i,j] = 27*(xs[i]*(1-xs[i]))^(3/2)
der(u[i,j]) = 1 + u[i,j]^2*v[i,j] - 4.4*u[i,j]
              + alpha/dx^2*(u[i+1,j] + u[i-1,j] + u[i,j+1] + u[i,j-1] - 4*u[i,j])
              + ifelse((xs[i]-0.3)^2 + (ys[j]-0.6)^2 <= 0.1^2 && t >= 1.1, 5, 0)
der(v[i,j]) = 3.4*u[i,j] - u[i,j]^2*v[i,j]
              + alpha/dx^2*(v[i+1,j] + v[i-1,j] + v[i,j+1] + v[i,j-1] - 4*v[i,j])
simulate t = 0..11.5, solver = bdf, rtol = 1e-6, atol = 1e-8
